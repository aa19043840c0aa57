import { Types } from 'mongoose';
import { decodeDocument, decodeField } from './ferretdb-sjson';

// As FerretDB 1.24 stores { _id: ObjectId, n: 3, at: Date, tags: ['a'], actor: { name: 'x' }, gone: null }.
const stored = {
  $s: {
    $k: ['_id', 'n', 'at', 'tags', 'actor', 'gone'],
    p: {
      _id: { t: 'objectId' },
      n: { t: 'int' },
      at: { t: 'date' },
      tags: { t: 'array', i: [{ t: 'string' }] },
      actor: { t: 'object', $s: { $k: ['name'], p: { name: { t: 'string' } } } },
      gone: { t: 'null' },
    },
  },
  _id: '65a1b2c3d4e5f60718293a4b',
  n: 3,
  at: 1767225600000,
  tags: ['a'],
  actor: { name: 'x' },
  gone: null,
};

describe('FerretDB stored documents', () => {
  it('decode into what the MongoDB driver gives', () => {
    const doc = decodeDocument(stored.$s, stored);
    expect(doc).toEqual({
      _id: new Types.ObjectId('65a1b2c3d4e5f60718293a4b'),
      n: 3,
      at: new Date('2026-01-01T00:00:00.000Z'),
      tags: ['a'],
      actor: { name: 'x' },
      gone: null,
    });
    expect(doc._id).toBeInstanceOf(Types.ObjectId);
    expect(Object.keys(doc)).toEqual(stored.$s.$k);
  });

  it('decode one field as its declared type, and refuse another stored type', () => {
    expect(decodeField('n', 'number', stored.$s.p.n, 3)).toBe(3);
    expect(decodeField('missing', 'string', undefined, undefined)).toBeUndefined();
    expect(decodeField('gone', 'string', stored.$s.p.gone, null)).toBeNull();
    expect(() => decodeField('n', 'string', stored.$s.p.n, 3)).toThrow(
      /stored as int, not as string/,
    );
  });

  it('decodes an empty object, which is stored with an empty schema', () => {
    const schema = { $k: ['changes'], p: { changes: { t: 'object', $s: {} } } } as never;
    expect(decodeDocument(schema, { changes: {} })).toEqual({ changes: {} });
  });
});
