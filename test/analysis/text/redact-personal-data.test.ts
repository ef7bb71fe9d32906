import { describe, expect, test } from 'vitest';
import { isBase58CheckAddress, isLuhnCardNumber, redactPersonalData } from '../../../analysis/text/redact-personal-data.js';

describe('redactPersonalData', () => {
  const redacted: [string, string, string][] = [
    ['email', 'write to ann.lee+vip@example.co.uk please', 'write to <EMAIL> please'],
    ['phone +86 grouped', 'call me on +86 138 0013 8000', 'call me on <PHONE>'],
    ['phone +86 compact', '电话+8613800138000', '电话<PHONE>'],
    ['chinese mobile', '我的手机13800138000收不到验证码', '我的手机<PHONE>收不到验证码'],
    ['international with area code', 'my number is +44 (20) 7946 0958', 'my number is <PHONE>'],
    ['international dashed', 'reach me at +1-415-555-2671.', 'reach me at <PHONE>.'],
    ['north american', 'call (415) 555-2671 now', 'call <PHONE> now'],
    ['card spaced', 'card 4111 1111 1111 1111 was charged', 'card <CARD> was charged'],
    ['card dashed', 'card 5500-0000-0000-0004 declined', 'card <CARD> declined'],
    ['card compact', 'my card 4012888888881881', 'my card <CARD>'],
    ['btc legacy', 'sent to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa yesterday', 'sent to <WALLET> yesterday'],
    ['btc p2sh', 'address 3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy', 'address <WALLET>'],
    ['btc bech32', 'to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq ok', 'to <WALLET> ok'],
    ['eth address', 'deposit from 0x52908400098527886E0F7030069857D2E4169EE7', 'deposit from <WALLET>'],
    ['tron address', 'USDT TRC20 地址 TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t 没到账', 'USDT TRC20 地址 <WALLET> 没到账'],
    ['tx hash 0x', 'tx 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 pending', 'tx <TXHASH> pending'],
    ['tx hash bare', 'txid e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'txid <TXHASH>'],
    ['order id', 'order #A12345678 not delivered', 'order #<ORDER_ID> not delivered'],
    ['order number', 'Order number: 2024-0001234 is late', 'Order number: <ORDER_ID> is late'],
    ['chinese order', '订单号：202401150001 一直处理中', '订单号：<ORDER_ID> 一直处理中'],
    ['ticket ref', 'ref ORD-998877 please', 'ref <ORDER_ID> please'],
  ];
  test.each(redacted)('redacts %s', (_name, input, expected) => {
    expect(redactPersonalData(input)).toBe(expected);
  });

  const kept: [string, string][] = [
    ['a 16-digit number failing Luhn', 'reference 4111 1111 1111 1112 is wrong'.replace('reference ', 'number ')],
    ['a date', 'since 2024-01-15 my deposit is pending'],
    ['a date with slashes', 'on 15/01/2024 at 10:30'],
    ['an amount', 'I sent 1500.25 USDT and 0.5 BTC'],
    ['a short order mention', 'my order was late'],
    ['a small count', 'order 2 items'],
    ['a base58 look-alike with a bad checksum', 'code 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb'],
    ['a 40-hex string without 0x', 'hash 52908400098527886E0F7030069857D2E4169EE7'],
    ['a year range', 'between 2019 and 2024'],
    ['a plain word starting with T', 'Transaction failed Tomorrow'],
    ['a too-short phone', 'press +1 2 to continue'],
  ];
  test.each(kept)('keeps %s', (_name, input) => {
    expect(redactPersonalData(input)).toBe(input);
  });

  test('redacts several kinds in one text', () => {
    expect(redactPersonalData('I am bob@x.io, +86 139 1234 5678, card 4111111111111111')).toBe('I am <EMAIL>, <PHONE>, card <CARD>');
  });
});

describe('checksums', () => {
  test.each([
    ['4111111111111111', true],
    ['4111111111111112', false],
    ['0000000000000000', false],
    ['79927398713', false],
  ] as const)('Luhn %s -> %s', (digits, valid) => {
    expect(isLuhnCardNumber(digits)).toBe(valid);
  });

  test.each([
    ['1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa', true],
    ['TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t', true],
    ['TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u', false],
  ] as const)('base58check %s -> %s', (address, valid) => {
    expect(isBase58CheckAddress(address)).toBe(valid);
  });
});
