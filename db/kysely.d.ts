// Types for the `#kysely` import (package.json "imports"): Kysely's own declarations. At run time `#kysely` is
// dist/vendor/kysely.js, Kysely bundled into one file by the build: Node loads it in about 40 ms instead of
// about 200 ms for Kysely's 400-odd ES modules, which every command pays before its first query.
// Under the `supportlens-source` condition (the tests, which run the sources) it is the kysely package itself.
export * from 'kysely';
