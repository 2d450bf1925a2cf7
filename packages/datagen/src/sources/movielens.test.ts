import { loadSource } from '../run';
import { importRatings } from './index';
import { ML100K, configIn, tempDir, writeFiles } from './fixtures.testutil';

const latin1 = (text: string) => Buffer.from(text, 'latin1');

describe('movielens-100k', () => {
  const dir = writeFiles(tempDir(), {
    'u.data': '196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n196\t302\t4\t881250950\n',
    // User 1 has no ratings: its line is skipped.
    'u.user': '1|24|M|technician|85711\n22|25|M|writer|40206\n186|39|F|executive|00000\n196|49|M|writer|55105\n',
    'u.genre': 'unknown|0\nAction|1\nComedy|2\n\n',
    'u.item': latin1(
      [
        '242|Kolya (1996)|24-Jan-1997||http://us.imdb.com/M/title-exact?Kolya%20(1996)|0|0|1',
        '302|L.A. Confidential (1997)|01-Jan-1997||http://us.imdb.com/M/title-exact?L%2EA%2E|0|1|0',
        '377|Café Señor (1993)|||http://us.imdb.com/M/title-exact?Caf%E9|1|1|1',
        '',
      ].join('\n'),
    ),
  });

  it('numbers users and items in order of first appearance and keeps the raw ids', async () => {
    const raw = await importRatings(configIn(dir, { source: 'movielens-100k', path: dir }));
    expect(raw.userIds).toEqual(['196', '186', '22']);
    expect(raw.itemIds).toEqual(['242', '302', '377']);
    expect(Array.from(raw.ratings.user)).toEqual([0, 1, 2, 0]);
    expect(Array.from(raw.ratings.item)).toEqual([0, 1, 2, 1]);
    expect(Array.from(raw.ratings.rating)).toEqual([3, 3, 1, 4]);
    expect(raw.ratings.timestamp).toEqual(BigInt64Array.from([881250949n, 891717742n, 878887116n, 881250950n]));
    expect(raw.ratings.user).toBeInstanceOf(Int32Array);
    expect(raw.ratings.rating).toBeInstanceOf(Float32Array);
    // No scale in the config: the data's lowest and highest rating.
    expect(raw.scale).toEqual({ min: 1, max: 4 });
    expect(raw.stats).toEqual({ rows: 4, duplicates: 0 });
    expect(raw.predefined).toBeUndefined();
  });

  it('reads user and item side features, one row per dense index, titles decoded from Latin-1', async () => {
    const raw = await importRatings(configIn(dir, { source: 'movielens-100k', path: dir }));
    expect(raw.userFeatures).toEqual({
      age: Int32Array.from([49, 39, 25]),
      gender: ['M', 'F', 'M'],
      occupation: ['writer', 'executive', 'writer'],
      zip: ['5', '0', '4'],
    });
    expect(raw.itemFeatures).toEqual({
      title: ['Kolya (1996)', 'L.A. Confidential (1997)', 'Café Señor (1993)'],
      year: Int32Array.from([1997, 1997, 0]),
      genres: ['Comedy', 'Action', 'unknown|Action|Comedy'],
    });
  });

  it("is what the datagen stage's loadSource returns for a file source", async () => {
    const config = configIn(dir, { source: 'movielens-100k', path: dir });
    expect(await loadSource(config)).toEqual(await importRatings(config));
  });

  it('leaves side features out when data.features is false', async () => {
    const raw = await importRatings(configIn(dir, { source: 'movielens-100k', path: dir, features: false }));
    expect(raw.userFeatures).toBeUndefined();
    expect(raw.itemFeatures).toBeUndefined();
  });

  it('reads predefined train and test files into one id space', async () => {
    writeFiles(dir, { 'a.base': '1\t10\t5\t1\n2\t10\t3\t2\n', 'a.test': '2\t20\t4\t3\n3\t10\t2\t4\n1\t20\t1\t5\n' });
    const raw = await importRatings(configIn(dir, { source: 'movielens-100k', path: dir, features: false }, { method: 'predefined', train: 'a.base', test: 'a.test' }));
    expect(raw.userIds).toEqual(['1', '2', '3']);
    expect(raw.itemIds).toEqual(['10', '20']);
    expect(Array.from(raw.ratings.user)).toEqual([0, 1, 1, 2, 0]);
    expect(Array.from(raw.ratings.item)).toEqual([0, 0, 1, 0, 1]);
    expect(raw.predefined).toEqual({ train: Int32Array.from([0, 1]), test: Int32Array.from([2, 3, 4]) });
    expect(raw.stats).toEqual({ rows: 5, duplicates: 0 });
  });
});

describe('movielens-1m', () => {
  const dir = writeFiles(tempDir(), {
    'ratings.dat': '1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n',
    'users.dat': '1::F::1::10::48067\n2::M::56::16::70072\n',
    'movies.dat': latin1("1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n661::El Señor de los Anillos (1978)::Animation|Fantasy\n"),
  });

  it('reads ::-separated ratings and users.dat / movies.dat features (occupation codes named, year from the title)', async () => {
    const raw = await importRatings(configIn(dir, { source: 'movielens-1m', path: dir }));
    expect(raw.userIds).toEqual(['1', '2']);
    expect(raw.itemIds).toEqual(['1193', '661']);
    expect(Array.from(raw.ratings.rating)).toEqual([5, 3, 4]);
    expect(raw.ratings.timestamp?.[2]).toBe(978298413n);
    expect(raw.scale).toEqual({ min: 3, max: 5 });
    expect(raw.userFeatures).toEqual({
      age: Int32Array.from([1, 56]),
      gender: ['F', 'M'],
      occupation: ['K-12 student', 'self-employed'],
      zip: ['4', '7'],
    });
    expect(raw.itemFeatures).toEqual({
      title: ["One Flew Over the Cuckoo's Nest (1975)", 'El Señor de los Anillos (1978)'],
      year: Int32Array.from([1975, 1978]),
      genres: ['Drama', 'Animation|Fantasy'],
    });
  });

  it('imports ratings alone when the feature files are absent', async () => {
    const bare = writeFiles(tempDir(), { 'ratings.dat': '7::8::2::1\n' });
    const raw = await importRatings(configIn(bare, { source: 'movielens-1m', path: bare }));
    expect(raw.userIds).toEqual(['7']);
    expect(raw.userFeatures).toBeUndefined();
    expect(raw.itemFeatures).toBeUndefined();
  });
});

describe('movielens-latest', () => {
  const dir = writeFiles(tempDir(), {
    // Windows line endings, half stars.
    'ratings.csv': 'userId,movieId,rating,timestamp\r\n1,1,4.0,964982703\r\n1,3,4.5,964981247\r\n2,11,0.5,964982224\r\n2,1,3.5,964983815\r\n3,12,5.0,964983900\r\n',
    'movies.csv':
      'movieId,title,genres\r\n1,Toy Story (1995),Adventure|Animation|Children\r\n3,"American President, The (1995)",Comedy|Drama|Romance\r\n' +
      '11,"Dr. Strangelove or: How I Learned to Stop Worrying and Love the ""Bomb"" (1964)",(no genres listed)\r\n12,Café (2010),Drama\r\n13,Not Rated (2000),Drama\r\n',
  });

  it('reads ratings.csv with half stars and \\r\\n endings', async () => {
    const raw = await importRatings(configIn(dir, { source: 'movielens-latest', path: dir }));
    expect(raw.userIds).toEqual(['1', '2', '3']);
    expect(raw.itemIds).toEqual(['1', '3', '11', '12']);
    expect(Array.from(raw.ratings.rating)).toEqual([4, 4.5, 0.5, 3.5, 5]);
    expect(raw.scale).toEqual({ min: 0.5, max: 5 });
    expect(raw.ratings.timestamp?.[3]).toBe(964983815n);
  });

  it('reads movies.csv with RFC-4180 quotes (commas and doubled quotes inside titles), UTF-8 titles', async () => {
    const raw = await importRatings(configIn(dir, { source: 'movielens-latest', path: dir, scale: { min: 0, max: 5 } }));
    expect(raw.scale).toEqual({ min: 0, max: 5 });
    expect(raw.userFeatures).toBeUndefined();
    expect(raw.itemFeatures).toEqual({
      title: ['Toy Story (1995)', 'American President, The (1995)', 'Dr. Strangelove or: How I Learned to Stop Worrying and Love the "Bomb" (1964)', 'Café (2010)'],
      year: Int32Array.from([1995, 1995, 1964, 2010]),
      genres: ['Adventure|Animation|Children', 'Comedy|Drama|Romance', '', 'Drama'],
    });
  });
});

// CI and every checkout have ../shared beside them; a missing copy is a failure, not a skip.
const real = describe;

real('the real MovieLens 100K', () => {
  it('u.data: 943 users, 1682 items, 100000 ratings on 1-5, with side features of the right types', async () => {
    const raw = await importRatings(configIn(tempDir(), { source: 'movielens-100k', path: ML100K }));
    expect(raw.userIds).toHaveLength(943);
    expect(raw.itemIds).toHaveLength(1682);
    expect(raw.ratings.rating).toHaveLength(100000);
    expect(raw.stats).toEqual({ rows: 100000, duplicates: 0 });
    expect(raw.scale).toEqual({ min: 1, max: 5 });
    // The first line of u.data is "196	242	3	881250949".
    expect([raw.userIds[0], raw.itemIds[0], raw.ratings.rating[0], raw.ratings.timestamp?.[0]]).toEqual(['196', '242', 3, 881250949n]);

    const users = raw.userFeatures ?? {};
    expect(Object.keys(users)).toEqual(['age', 'gender', 'occupation', 'zip']);
    expect(users.age).toBeInstanceOf(Int32Array);
    for (const name of ['gender', 'occupation', 'zip']) expect(Array.isArray(users[name])).toBe(true);
    const u1 = raw.userIds.indexOf('1');
    // u.user line 1: "1|24|M|technician|85711".
    expect([users.age?.[u1], users.gender?.[u1], users.occupation?.[u1], users.zip?.[u1]]).toEqual([24, 'M', 'technician', '8']);
    // Every user has a feature row: no gender left empty.
    expect((users.gender as string[]).every((g) => g === 'M' || g === 'F')).toBe(true);

    const items = raw.itemFeatures ?? {};
    expect(Object.keys(items)).toEqual(['title', 'year', 'genres']);
    expect(items.year).toBeInstanceOf(Int32Array);
    const title = (id: string) => (items.title as string[])[raw.itemIds.indexOf(id)];
    const at = (id: string) => raw.itemIds.indexOf(id);
    expect(title('1')).toBe('Toy Story (1995)');
    expect([items.year?.[at('1')], items.genres?.[at('1')]]).toEqual([1995, "Animation|Children's|Comedy"]);
    // Latin-1 in u.item: 0xE9 is é.
    expect(title('543')).toBe('Misérables, Les (1995)');
    expect((items.title as string[]).some((t) => t.includes('\uFFFD'))).toBe(false);
    // Item 267 has no release date and only the 'unknown' genre.
    expect([title('267'), items.year?.[at('267')], items.genres?.[at('267')]]).toEqual(['unknown', 0, 'unknown']);
  });

  it('u1.base + u1.test: 80000 + 20000 predefined rows, 32 test items never seen in training', async () => {
    const raw = await importRatings(configIn(tempDir(), { source: 'movielens-100k', path: ML100K }, { method: 'predefined', train: 'u1.base', test: 'u1.test' }));
    const { train, test } = raw.predefined ?? { train: new Int32Array(), test: new Int32Array() };
    expect(train).toHaveLength(80000);
    expect(test).toHaveLength(20000);
    expect([train[0], train[79999], test[0], test[19999]]).toEqual([0, 79999, 80000, 99999]);
    expect(raw.ratings.rating).toHaveLength(100000);
    expect(raw.userIds).toHaveLength(943);
    expect(raw.itemIds).toHaveLength(1682);

    const trainItems = new Set(Array.from(train, (row) => raw.ratings.item[row]));
    const trainUsers = new Set(Array.from(train, (row) => raw.ratings.user[row]));
    expect(trainItems.size).toBe(1650);
    expect(trainUsers.size).toBe(943);
    const coldRows = Array.from(test).filter((row) => !trainItems.has(raw.ratings.item[row]));
    const coldItems = new Set(coldRows.map((row) => raw.ratings.item[row]));
    // A fact of the u1 split: 32 items appear only in u1.test, each rated once there; no user is new.
    expect(coldItems.size).toBe(32);
    expect(coldRows).toHaveLength(32);
    expect(Array.from(test).filter((row) => !trainUsers.has(raw.ratings.user[row]))).toHaveLength(0);
    // Training ids come first: the cold items hold the last 32 dense indices.
    expect(Math.min(...Array.from(coldItems, (i) => i as number))).toBe(1650);
    expect(raw.itemFeatures?.title).toHaveLength(1682);
  });
});
