import {
  ColumnDefinitionNode,
  type CreateTableNode,
  DataTypeNode,
  GeneratedNode,
  type KyselyPlugin,
  OperationNodeTransformer,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  PrimaryKeyConstraintNode,
  type QueryResult,
  RawNode,
  type RootOperationNode,
  type UnknownRow,
} from '#kysely';

// The migrations are written once, in the types SQLite stores (and frozen: they never change once released). On
// PostgreSQL this plugin, used only while migrating, turns their DDL into PostgreSQL's, in one place:
// - integer is 64-bit (SQLite's integers are; times are milliseconds since 1970, past int4): bigint;
// - an integer primary key of one column assigns ids when none is given (SQLite's rowid): an identity column;
// - blob is bytea, real is double precision (SQLite's real is 8 bytes);
// - `without rowid` (how SQLite clusters a table by its key) has no meaning there and is dropped;
// - the one SQLite function used as a default, `unixepoch() * 1000`, is written in PostgreSQL's words;
// - primary keys are named by PostgreSQL (see transformCreateTable).
// Everything else (text, constraints, indexes, renames, insert ... select) means the same on both engines.

const TYPES: Readonly<Record<string, DataTypeNode['dataType']>> = { integer: 'bigint', blob: 'bytea', real: 'double precision' };
const UNIX_MILLISECONDS = '(unixepoch() * 1000)';
const POSTGRES_UNIX_MILLISECONDS = '((extract(epoch from clock_timestamp()) * 1000)::bigint)';

function isRawText(node: unknown, text: string): boolean {
  return RawNode.is(node as RawNode) && (node as RawNode).sqlFragments.join('').trim().toLowerCase() === text;
}

class SqliteToPostgresDdl extends OperationNodeTransformer {
  protected override transformDataType(node: DataTypeNode): DataTypeNode {
    const postgres = TYPES[node.dataType];
    return postgres === undefined ? node : DataTypeNode.create(postgres);
  }

  protected override transformColumnDefinition(node: ColumnDefinitionNode): ColumnDefinitionNode {
    const column = super.transformColumnDefinition(node);
    const integerKey = node.primaryKey === true && DataTypeNode.is(node.dataType) && node.dataType.dataType === 'integer';
    const defaultValue = column.defaultTo?.defaultValue;
    return ColumnDefinitionNode.cloneWith(column, {
      autoIncrement: false,
      ...(integerKey ? { generated: GeneratedNode.create({ identity: true, byDefault: true }) } : {}),
      ...(defaultValue !== undefined && isRawText(defaultValue, UNIX_MILLISECONDS)
        ? { defaultTo: { ...column.defaultTo!, defaultValue: RawNode.createWithSql(POSTGRES_UNIX_MILLISECONDS) } }
        : {}),
    });
  }

  protected override transformCreateTable(node: CreateTableNode): CreateTableNode {
    const table = super.transformCreateTable(node);
    const endModifiers = table.endModifiers?.filter((modifier) => !isRawText(modifier, 'without rowid'));
    // A constraint's name is the name of its index, which PostgreSQL wants unique in the schema while SQLite wants it
    // unique in the table: a migration that rebuilds a table beside the old one reuses the primary key's name.
    // PostgreSQL names it (table_pkey); nothing refers to a primary key by name.
    const constraints = table.constraints?.map((constraint) =>
      PrimaryKeyConstraintNode.is(constraint) ? ({ ...constraint, name: undefined } as PrimaryKeyConstraintNode) : constraint,
    );
    return { ...table, constraints, endModifiers: endModifiers?.length ? endModifiers : undefined } as CreateTableNode;
  }
}

/** Turns the SQLite-typed DDL of the migrations into PostgreSQL's (see above); leaves every other query alone. */
export class PostgresSchemaPlugin implements KyselyPlugin {
  readonly #transformer = new SqliteToPostgresDdl();

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return this.#transformer.transformNode(args.node, args.queryId);
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
