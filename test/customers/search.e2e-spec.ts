import { startTestApp, TestApp } from '../support/test-app';
import {
  applyStatus,
  bearer,
  CUSTOMERS,
  createCustomer,
  expectPage,
  phonesOf,
} from '../support/customers';

/** The search rules of SPEC "List and search", each with matches and non-matches. */
jest.setTimeout(120_000);

describe('GET /api/v1/customer/?search=', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const JOHN = '5551234567'; // John Smith
  const JANE = '5559876543'; // Jane Doe
  const JOSE = '2125550199'; // José García
  const SEAN = '3105554321'; // Sean O'Brien
  const MARIA = '7185550000'; // Maria Johnson
  const JORGE = '1230005550'; // Jorge Ramos: has 123 and 555, never 555123
  const MARY = '6465550111'; // Mary Ann Lee
  const EVERYONE = [JOHN, JANE, JOSE, SEAN, MARIA, JORGE, MARY];

  beforeEach(async () => {
    await t.reset();
    admin = await t.adminToken();
    const people = [
      [JOHN, 'John', 'Smith'],
      [JANE, 'Jane', 'Doe'],
      [JOSE, 'José', 'García'],
      [SEAN, 'Sean', "O'Brien"],
      [MARIA, 'Maria', 'Johnson'],
      [JORGE, 'Jorge', 'Ramos'],
      [MARY, 'Mary Ann', 'Lee'],
    ];
    for (const [phone_number, first_name, last_name] of people)
      await createCustomer(t, admin, { phone_number, first_name, last_name });
  });

  async function search(
    text: string,
    query: Record<string, string | number> = {},
  ): Promise<string[]> {
    const res = await t
      .http()
      .get(`${CUSTOMERS}/`)
      .query({ search: text, per_page: 100, ...query })
      .set(bearer(admin));
    expect({ search: text, status: res.status, body: res.body }).toMatchObject({ status: 200 });
    const items = expectPage(res, { total: res.body.total, page: 1, per_page: 100 });
    expect(res.body.total).toBe(items.length);
    return phonesOf(items).sort();
  }
  const sorted = (...phones: string[]) => [...phones].sort();

  describe('name words match word starts, case- and accent-insensitively', () => {
    it.each([
      ['jo smi', [JOHN]],
      ['SMITH JOHN', [JOHN]],
      ['jOhN sMiTh', [JOHN]],
      ['john', [JOHN, MARIA]],
      ['JOHN', [JOHN, MARIA]],
      ['jo', [JOHN, JOSE, MARIA, JORGE]],
      ['jose', [JOSE]],
      ['JOSE', [JOSE]],
      ['josé', [JOSE]],
      ['garcia', [JOSE]],
      ['GARCÍA', [JOSE]],
      ["o'br", [SEAN]],
      ["O'BRIEN", [SEAN]],
      ['ann', [MARY]],
      ['lee mary', [MARY]],
      ['mary ann lee', [MARY]],
      ['j', [JOHN, JANE, JOSE, MARIA, JORGE]],
    ])('%j finds exactly the expected customers', async (text, expected) => {
      expect(await search(text)).toEqual(sorted(...(expected as string[])));
    });

    it.each(['ohn', 'mith', 'ane', 'ose', 'arcia', 'ohnson', 'rien', 'ea'])(
      '%j matches no word start: nothing',
      async (text) => {
        expect(await search(text)).toEqual([]);
      },
    );

    it('returns the names as stored, accents included', async () => {
      const res = await t
        .http()
        .get(`${CUSTOMERS}/`)
        .query({ search: 'jose' })
        .set(bearer(admin))
        .expect(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ phone_number: JOSE, first_name: 'José', last_name: 'García' }),
      ]);
    });
  });

  describe('digit words match phone digits', () => {
    it.each([
      ['4567', [JOHN]],
      ['555123', [JOHN]],
      ['(555) 123', [JOHN]],
      ['555-123', [JOHN]],
      ['555.1234', [JOHN]],
      ['0199', [JOSE]],
      ['9876543', [JANE]],
      ['5551234567', [JOHN]],
      ['+1 555 123 4567', [JOHN]],
      ['1-555-123-4567', [JOHN]],
      ['15551234567', [JOHN]],
      ['john +1 (555) 123-4567', [JOHN]],
      ['555', EVERYONE],
      ['123', [JOHN, JORGE]],
    ])('%j finds the phones containing those digits', async (text, expected) => {
      expect(await search(text)).toEqual(sorted(...(expected as string[])));
    });

    it.each(['7777', '555999', '(555) 000-1'])('%j matches no phone: nothing', async (text) => {
      expect(await search(text)).toEqual([]);
    });

    it.each(['55', '12', '5'])(
      'a number of fewer than 3 digits (%j) is no phone search',
      async (text) => {
        expect(await search(text)).toEqual([]);
      },
    );
  });

  describe('words combine with AND', () => {
    it.each([
      ['john zzz', []],
      ['zzz john', []],
      ['john 4567', [JOHN]],
      ['maria 4567', []],
      ['jo 555', [JOHN, JOSE, MARIA, JORGE]],
      ['jo 0199', [JOSE]],
      ['smith jane', []],
    ])('%j', async (text, expected) => {
      expect(await search(text)).toEqual(sorted(...(expected as string[])));
    });
  });

  describe('regular-expression characters are literal', () => {
    it.each([
      '.*',
      'jo.*',
      '(',
      '[',
      ')',
      '*',
      '+',
      '?',
      '\\',
      '^j',
      'j$',
      'j.r',
      'jo|ma',
      '.',
      '[a-z]',
      '{1}',
      '(?i)john',
      "'",
      '-',
      "' -",
    ])('%j answers 200 and matches nothing', async (text) => {
      expect(await search(text)).toEqual([]);
    });
  });

  describe('names with symbols, long words and letters Unicode does not decompose', () => {
    const ST_CLAIR = '4155550101';
    const JR = '4155550102';
    const LONG = '4155550103';
    const LUKASZ = '4155550104';
    const PUNCTUATION = '4155550105';
    beforeEach(async () => {
      for (const [phone_number, first_name, last_name] of [
        [ST_CLAIR, 'Anne', 'St. Clair'],
        [JR, 'J.R.', 'Ewing'],
        [LONG, 'Hubert', 'Wolfeschlegelsteinhausenbergerdorff'],
        [LUKASZ, 'Łukasz', 'Straße-Søren'],
        [PUNCTUATION, '.', '***'],
      ])
        await createCustomer(t, admin, { phone_number, first_name, last_name });
    });

    it.each([
      ['st. clair', [ST_CLAIR]],
      ['st clair', [ST_CLAIR]],
      ['st.', [ST_CLAIR]],
      ['j.r.', [JR]],
      ['jr ewing', [JR]],
      ['j. ewing', [JR]],
      ['wolfeschlegelsteinhausenbergerdorff', [LONG]],
      ['wolfeschlegelsteinhausen', [LONG]],
      ['lukasz', [LUKASZ]],
      ['strasse', [LUKASZ]],
      ['soren lukasz', [LUKASZ]],
      ['ŁUKASZ', [LUKASZ]],
      ['***', [PUNCTUATION]],
    ])('%j finds exactly the expected customers', async (text, expected) => {
      expect(await search(text)).toEqual(sorted(...(expected as string[])));
    });

    it.each(['wolfeschlegelsteinhaXXXXXXX', 'st.x', 'j.r.x', 'a.*', 'e.*'])(
      '%j matches nothing',
      async (text) => {
        expect(await search(text)).toEqual([]);
      },
    );

    it('sorts names without letters among the rest', async () => {
      const res = await t
        .http()
        .get(`${CUSTOMERS}/`)
        .query({ sort_by: 'last_name', sort_order: 'asc', per_page: 100 })
        .set(bearer(admin))
        .expect(200);
      expect(phonesOf(res.body.items)).toContain(PUNCTUATION);
    });
  });

  describe('with filters and pages', () => {
    it('combines with the status filter', async () => {
      await applyStatus(t, admin, JOHN, 'suspend');
      expect(await search('john', { status: 'suspended' })).toEqual([JOHN]);
      expect(await search('john', { status: 'active' })).toEqual([MARIA]);
      expect(await search('john')).toEqual(sorted(JOHN, MARIA));
    });

    it('leaves archived customers out unless asked for', async () => {
      await applyStatus(t, admin, MARIA, 'archive');
      expect(await search('john')).toEqual([JOHN]);
      expect(await search('john', { status: 'archived' })).toEqual([MARIA]);
      expect(await search('john', { status: 'active,archived' })).toEqual(sorted(JOHN, MARIA));
    });

    it('paginates search results', async () => {
      const pageOf = async (page: number) => {
        const res = await t
          .http()
          .get(`${CUSTOMERS}/`)
          .query({ search: 'jo', per_page: 3, page })
          .set(bearer(admin));
        return phonesOf(expectPage(res, { total: 4, page, per_page: 3, pages: 2 }));
      };
      const first = await pageOf(1);
      const second = await pageOf(2);
      expect(first).toHaveLength(3);
      expect(second).toHaveLength(1);
      expect(sorted(...first, ...second)).toEqual(sorted(JOHN, JOSE, MARIA, JORGE));
    });

    it('combines with sorting', async () => {
      const res = await t
        .http()
        .get(`${CUSTOMERS}/`)
        .query({ search: 'jo', sort_by: 'first_name', sort_order: 'asc' })
        .set(bearer(admin));
      expect(phonesOf(expectPage(res, { total: 4, page: 1, per_page: 10 }))).toEqual([
        JOHN,
        JORGE,
        JOSE,
        MARIA,
      ]);
    });
  });
});
