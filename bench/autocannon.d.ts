// autocannon 9 ships no type declarations; the bench uses only its programmatic API.
declare module 'autocannon';
