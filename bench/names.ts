/**
 * Name pools for seeding, roughly most-common first (the picker weights early entries).
 * Mixed on purpose: accents (José, Zoë, Nguyễn, Müller), apostrophes (O'Brien, D'Angelo),
 * hyphens and two-word surnames (Mary-Jane, De la Cruz), as a shop's customer list has.
 */
export const FIRST_NAMES = [
  'James', 'Maria', 'John', 'Mary', 'Robert', 'Jennifer', 'Michael', 'Linda', 'David', 'Patricia',
  'José', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah',
  'Carlos', 'Karen', 'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Juan', 'Ana', 'Matthew', 'Betty',
  'Anthony', 'Sandra', 'Mark', 'Margaret', 'Luis', 'Ashley', 'Steven', 'Kimberly', 'Andrew', 'Emily',
  'Kevin', 'Donna', 'Brian', 'Michelle', 'George', 'Carol', 'Edward', 'Amanda', 'Ronald', 'Melissa',
  'Jesús', 'Sofía', 'Timothy', 'Deborah', 'Jason', 'Stephanie', 'Jeffrey', 'Rebecca', 'Ryan', 'Laura',
  'Minh', 'Linh', 'Jacob', 'Sharon', 'Gary', 'Cynthia', 'Nicholas', 'Kathleen', 'Eric', 'Amy',
  'Ángel', 'Lucía', 'Jonathan', 'Shirley', 'Stephen', 'Angela', 'Larry', 'Helen', 'Justin', 'Anna',
  'François', 'Zoë', 'Scott', 'Brenda', 'Brandon', 'Pamela', 'Benjamin', 'Nicole', 'Samuel', 'Emma',
  'Raúl', 'Inés', 'Gregory', 'Samantha', 'Frank', 'Katherine', 'Alexander', 'Christine', 'Raymond', 'Debra',
  'Patrick', 'Rachel', 'Jack', 'Catherine', 'Dennis', 'Carolyn', 'Jerry', 'Janet', 'Tyler', 'Ruth',
  'Đức', 'Thảo', 'Aaron', 'Maria José', 'Seán', 'Siobhán', 'Björn', 'Chloé', 'Renée', 'Noël',
  'Mary-Jane', 'Jean-Luc', 'Kwame', 'Aisha', 'Wei', 'Mei', 'Hiroshi', 'Yuki', 'Dmitri', 'Olga',
  'Priya', 'Arjun', 'Fatima', 'Omar', 'Łukasz', 'Zoë-Ann', "D'Andre", 'Shaquille', 'Ximena', 'Søren',
];

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Garcia', 'Williams', 'Brown', 'Jones', 'Martinez', 'Miller', 'Davis', 'Rodriguez',
  'Nguyễn', 'Hernández', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson',
  'Martin', 'Lee', 'Pérez', 'Thompson', 'White', 'Harris', 'Sánchez', 'Clark', 'Ramírez', 'Lewis',
  "O'Brien", 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Trần',
  'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell',
  "D'Angelo", 'Carter', 'Roberts', 'Gómez', 'Phillips', 'Evans', 'Turner', 'Díaz', 'Parker', 'Cruz',
  'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutiérrez',
  "O'Connor", 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos',
  'Kim', 'Cox', 'Ward', 'Richardson', 'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett',
  'Lê', 'Phạm', 'Müller', 'Schröder', 'Dubois', 'Lefèvre', 'Fernández', 'Jiménez', 'Núñez', 'Peña',
  "O'Neill", "D'Souza", "McDonald", "MacLeod", 'De la Cruz', 'Van der Berg', 'St. John', 'Smith-Jones', 'Al-Sayed', 'Kowalski',
  'Wiśniewski', 'Nowak', 'Ivanov', 'Petrov', 'Tanaka', 'Sato', 'Wang', 'Li', 'Zhang', 'Chen',
  'Patel', 'Singh', 'Okafor', 'Mensah', 'Haddad', 'Cohen', 'Levi', 'Rossi', 'Russo', 'Esposito',
  'Bianchi', 'Romano', 'Colombo', 'Ferrari', 'Silva', 'Santos', 'Oliveira', 'Souza', 'Costa', 'Pereira',
  'Björk', 'Øster', 'Åberg', 'Nuñez-Villa', 'Ó Súilleabháin', "L'Écuyer", 'Château', 'Hoàng', 'Võ', 'Đặng',
];

export const NOTES = [
  'Prefers morning visits',
  'Regular gold buyer',
  'Ask for ID every time',
  'Speaks Spanish',
  'Collects vintage watches',
  'Called about a layaway',
  'Brings electronics, check serials',
  'VIP: long-time customer',
];

export const EMAIL_DOMAINS = ['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'example.com'];
