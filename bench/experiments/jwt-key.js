/* eslint-disable @typescript-eslint/no-require-imports -- preloaded with `node --require`: CommonJS on purpose */
// Experiment "jwt-key": hands jsonwebtoken.verify a KeyObject made once instead of the secret string.
// With a string, jsonwebtoken 9 first tries createPublicKey() (an OpenSSL parse that throws) and only
// then createSecretKey(), on every request. The fix in the app: secretOrKey: createSecretKey(secret).
const { createSecretKey } = require('node:crypto');
const jwt = require('jsonwebtoken');

const keys = new Map();
const verify = jwt.verify;
jwt.verify = function (token, secret, ...rest) {
  if (typeof secret === 'string') {
    if (!keys.has(secret)) keys.set(secret, createSecretKey(Buffer.from(secret)));
    secret = keys.get(secret);
  }
  return verify.call(this, token, secret, ...rest);
};
