import {
  foldName,
  nameWords,
  searchKeysFor,
  searchTerms,
  sortKey,
} from './search-keys';

describe('search keys', () => {
  const keys = searchKeysFor({
    first_name: 'José María',
    last_name: "O'Brien-Smith",
    phone_number: '5551234567',
  });

  it('stores every prefix of every folded name word', () => {
    for (const key of ['n:j', 'n:jo', 'n:jose', 'n:maria', 'n:obr', 'n:obrien', 'n:smi', 'n:smith'])
      expect(keys).toContain(key);
    expect(keys).not.toContain("n:o'b");
    expect(keys).not.toContain('n:josé');
  });

  it('stores every phone substring of 3 or more digits', () => {
    const phoneKeys = keys.filter((key) => key.startsWith('p:'));
    expect(phoneKeys).toHaveLength(36);
    for (const key of ['p:555', 'p:4567', 'p:555123', 'p:5551234567', 'p:123'])
      expect(phoneKeys).toContain(key);
    expect(phoneKeys).not.toContain('p:55');
  });

  it('stores prefixes of whole words, however long', () => {
    const long = searchKeysFor({
      first_name: 'Wolfeschlegelsteinhausenbergerdorff',
      last_name: 'b',
      phone_number: '5551234567',
    });
    expect(long).toContain('n:wolfeschlegelsteinhausenbergerdorff');
    expect(long).not.toContain(`n:${'wolfeschlegelsteinha'}xxxx`);
  });

  it('stores a word with symbols both as written and without them', () => {
    const stored = searchKeysFor({ first_name: 'J.R.', last_name: 'St. Clair', phone_number: '5551234567' });
    for (const key of ['n:j.', 'n:j.r.', 'n:jr', 'n:st.', 'n:st', 'n:clair']) expect(stored).toContain(key);
  });

  it('cuts prefixes by code point, never inside a surrogate pair', () => {
    const stored = searchKeysFor({ first_name: '😀x', last_name: 'b', phone_number: '5551234567' });
    expect(stored).toContain('n:😀');
    expect(stored.some((key) => /[\ud800-\udfff]/.test(key.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')))).toBe(false);
  });

  it('folds names for sorting and words', () => {
    expect(foldName('ÉLODIE')).toBe('elodie');
    expect(nameWords("  Mary-Jane  D'Arcy ")).toEqual(['mary', 'jane', 'darcy']);
    expect(sortKey(' Zoë ')).toBe('zoe');
  });

  it('folds the Latin letters that Unicode does not decompose', () => {
    expect(foldName('Łukasz Søren Straße Ærø Œuvre')).toBe('lukasz soren strasse aero oeuvre');
  });

  it('sorts a name without letters or digits on itself', () => {
    expect(sortKey(' *** ')).toBe('***');
    expect(sortKey('😀')).toBe('😀');
  });
});

describe('search terms', () => {
  it.each([
    ['jo smi', ['n:jo', 'n:smi']],
    ['SMITH JOHN', ['n:smith', 'n:john']],
    ['José', ['n:jose']],
    ["o'br", ['n:obr']],
    ['4567', ['p:4567']],
    ['555123', ['p:555123']],
    ['(555) 123', ['p:555123']],
    ['555 123', ['p:555123']],
    ['555-123-4567', ['p:5551234567']],
    ['smith 4567', ['n:smith', 'p:4567']],
    ['smith (555)', ['n:smith', 'p:555']],
    ['12345678901', ['p:2345678901']],
    ['+1 555 123 4567', ['p:5551234567']],
    ['1-555-123-4567', ['p:5551234567']],
    ['smith 15551234567', ['n:smith', 'p:5551234567']],
    ['mary-jane', ['n:mary', 'n:jane']],
    ['st. clair', ['n:st.', 'n:clair']],
    ['a.*b', ['n:a.*b']],
    ['(', ['n:(']],
    ['łukasz', ['n:lukasz']],
    ['   ', []],
    ["' -", []],
  ])('%j → %j', (search, terms) => {
    expect(searchTerms(search)).toEqual(terms);
  });

  it('keeps regular-expression characters literal, so they match no stored key', () => {
    expect(searchTerms('.* [a-z]+ $ne')).toEqual(['n:.*', 'n:[a', 'n:z]+', 'n:$ne']);
    const dotted = searchKeysFor({ first_name: 'Alice', last_name: 'St. Clair', phone_number: '5551234567' });
    for (const term of searchTerms('a.*')) expect(dotted).not.toContain(term);
    for (const term of searchTerms('st. a')) expect(dotted).toContain(term);
    const stored = searchKeysFor({ first_name: 'Jo', last_name: 'Ne', phone_number: '5551234567' });
    for (const term of searchTerms('jo.* ^j j$ . $ne')) expect(stored).not.toContain(term);
  });
});
