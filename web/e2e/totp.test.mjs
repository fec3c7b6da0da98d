// RFC 6238 appendix B vectors (SHA1, secret "12345678901234567890"), truncated to 6 digits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, totp } from './totp.mjs';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // base32("12345678901234567890")

test('base32 decodes the RFC secret', () => {
  assert.equal(base32Decode(SECRET).toString('ascii'), '12345678901234567890');
});

test('TOTP matches RFC 6238 test vectors', () => {
  assert.equal(totp(SECRET, 59 * 1000), '287082');
  assert.equal(totp(SECRET, 1111111109 * 1000), '081804');
  assert.equal(totp(SECRET, 1111111111 * 1000), '050471');
  assert.equal(totp(SECRET, 1234567890 * 1000), '005924');
  assert.equal(totp(SECRET, 2000000000 * 1000), '279037');
});
