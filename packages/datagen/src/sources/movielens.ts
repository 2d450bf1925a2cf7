/**
 * The MovieLens releases: 100K (u.data, u.user, u.item, u.genre), 1M (ratings.dat,
 * users.dat, movies.dat) and latest / 25M / 32M (ratings.csv, movies.csv). Each is a
 * folder; its side feature files are optional (read when present and data.features is on).
 */
import { join } from 'node:path';
import { type Columns } from '@deeprec/artifacts';
import { DataError } from '@deeprec/base';
import type { IdIndex } from './builder';
import type { RatingsLayout } from './delimited';
import { FeatureColumns, intField, readFeatureFile, yearOfDate, yearOfTitle, zipPrefix } from './features';
import { FieldSplitter } from './fields';
import { isBlank, readLines } from './lines';
import { isFile, parseInteger, requireFile, show, trimField } from './text';

export interface SideFeatures {
  userFeatures?: Columns;
  itemFeatures?: Columns;
}

/** What a folder source needs: its ratings layout and file, and how to read its side features. */
export interface FolderSource {
  /** "MovieLens 100K" */
  title: string;
  /** The folder's expected contents, for "folder not found; expected ..." */
  folderWhat: string;
  ratingsFile: string;
  layout: RatingsLayout;
  features(folder: string, users: IdIndex, items: IdIndex): Promise<SideFeatures>;
}

const USER_SPEC = { age: 'int32', gender: 'utf8', occupation: 'utf8', zip: 'utf8' } as const;
const ITEM_SPEC = { title: 'utf8', year: 'int32', genres: 'utf8' } as const;

/** u.genre: `name|index` lines -> names by index. */
async function readGenres(file: string): Promise<string[]> {
  requireFile(file, "MovieLens 100K genre names ('name|index' lines), which name the genre flags of u.item");
  const names: string[] = [];
  const splitter = new FieldSplitter(file, '|', false);
  const fields: string[] = [];
  const record = { text: '', lineNo: 0 };
  await readLines(file, 'latin1', (line, lineNo, ending) => {
    if (isBlank(line)) return;
    const n = splitter.split(line, lineNo, ending, fields, record);
    const index = n === 2 ? parseInteger(trimField(fields[1] as string)) : NaN;
    if (Number.isNaN(index) || index < 0 || index > 1000) {
      throw new DataError(`${file}:${lineNo}: expected a genre as 'name|index' with a whole index, found ${show(line)}`);
    }
    names[index] = trimField(fields[0] as string);
  });
  if (names.length === 0) throw new DataError(`${file} is empty; expected genre lines ('name|index')`);
  for (let i = 0; i < names.length; i += 1) {
    if (names[i] === undefined) throw new DataError(`${file}: genre index ${i} is missing; expected indices 0 to ${names.length - 1}`);
  }
  return names;
}

export const MOVIELENS_100K: FolderSource = {
  title: 'MovieLens 100K',
  folderWhat: 'the MovieLens 100K folder (data.path) with u.data, and u.user, u.item, u.genre for side features',
  ratingsFile: 'u.data',
  layout: {
    what: 'MovieLens 100K ratings (tab-separated user, item, rating, timestamp)',
    encoding: 'latin1',
    delimiter: '\t',
    quotes: false,
    header: false,
    columns: { user: 0, item: 1, rating: 2, timestamp: 3 },
    fixedFields: ['user', 'item', 'rating', 'timestamp'],
  },
  async features(folder, users, items) {
    const out: SideFeatures = {};
    const userFile = join(folder, 'u.user');
    if (isFile(userFile)) {
      const f = new FeatureColumns(users.size, USER_SPEC);
      const layout = { encoding: 'latin1', delimiter: '|', quotes: false, header: false, fields: 5, names: 'id, age, gender, occupation, zip code' } as const;
      await readFeatureFile(userFile, layout, users, (fields, row, at) => {
        f.setInt('age', row, intField(fields[1] as string, 'age', at));
        f.setText('gender', row, trimField(fields[2] as string));
        f.setText('occupation', row, trimField(fields[3] as string));
        f.setText('zip', row, zipPrefix(fields[4] as string));
      });
      out.userFeatures = f.columns;
    }
    const itemFile = join(folder, 'u.item');
    if (isFile(itemFile)) {
      const genres = await readGenres(join(folder, 'u.genre'));
      const f = new FeatureColumns(items.size, ITEM_SPEC);
      const layout = {
        encoding: 'latin1',
        delimiter: '|',
        quotes: false,
        header: false,
        fields: 5 + genres.length,
        names: `id, title, release date, video release date, IMDb URL, ${genres.length} genre flags`,
      } as const;
      await readFeatureFile(itemFile, layout, items, (fields, row, at) => {
        f.setText('title', row, trimField(fields[1] as string));
        f.setInt('year', row, yearOfDate(fields[2] as string));
        const names: string[] = [];
        for (let g = 0; g < genres.length; g += 1) {
          const flag = trimField(fields[5 + g] as string);
          if (flag === '1') names.push(genres[g] as string);
          else if (flag !== '0') throw new DataError(`${at.file}:${at.lineNo}: expected 0 or 1 for genre '${genres[g]}', found ${show(fields[5 + g] as string)}`);
        }
        f.setText('genres', row, names.join('|'));
      });
      out.itemFeatures = f.columns;
    }
    return out;
  },
};

/** MovieLens 1M occupation codes (its README). */
export const ML1M_OCCUPATIONS = [
  'other',
  'academic/educator',
  'artist',
  'clerical/admin',
  'college/grad student',
  'customer service',
  'doctor/health care',
  'executive/managerial',
  'farmer',
  'homemaker',
  'K-12 student',
  'lawyer',
  'programmer',
  'retired',
  'sales/marketing',
  'scientist',
  'self-employed',
  'technician/engineer',
  'tradesman/craftsman',
  'unemployed',
  'writer',
];

export const MOVIELENS_1M: FolderSource = {
  title: 'MovieLens 1M',
  folderWhat: 'the MovieLens 1M folder (data.path) with ratings.dat, and users.dat, movies.dat for side features',
  ratingsFile: 'ratings.dat',
  layout: {
    what: "MovieLens 1M ratings ('::'-separated UserID, MovieID, Rating, Timestamp)",
    encoding: 'latin1',
    delimiter: '::',
    quotes: false,
    header: false,
    columns: { user: 0, item: 1, rating: 2, timestamp: 3 },
    fixedFields: ['UserID', 'MovieID', 'Rating', 'Timestamp'],
  },
  async features(folder, users, items) {
    const out: SideFeatures = {};
    const userFile = join(folder, 'users.dat');
    if (isFile(userFile)) {
      const f = new FeatureColumns(users.size, USER_SPEC);
      const layout = { encoding: 'latin1', delimiter: '::', quotes: false, header: false, fields: 5, names: 'UserID, Gender, Age, Occupation, Zip-code' } as const;
      await readFeatureFile(userFile, layout, users, (fields, row, at) => {
        f.setText('gender', row, trimField(fields[1] as string));
        f.setInt('age', row, intField(fields[2] as string, 'age', at));
        const code = intField(fields[3] as string, 'occupation code', at);
        f.setText('occupation', row, ML1M_OCCUPATIONS[code] ?? String(code));
        f.setText('zip', row, zipPrefix(fields[4] as string));
      });
      out.userFeatures = f.columns;
    }
    const itemFile = join(folder, 'movies.dat');
    if (isFile(itemFile)) {
      const f = new FeatureColumns(items.size, ITEM_SPEC);
      const layout = { encoding: 'latin1', delimiter: '::', quotes: false, header: false, fields: 3, names: 'MovieID, Title, Genres' } as const;
      await readFeatureFile(itemFile, layout, items, (fields, row) => {
        const title = trimField(fields[1] as string);
        f.setText('title', row, title);
        f.setInt('year', row, yearOfTitle(title));
        f.setText('genres', row, trimField(fields[2] as string));
      });
      out.itemFeatures = f.columns;
    }
    return out;
  },
};

export const MOVIELENS_LATEST: FolderSource = {
  title: 'MovieLens latest',
  folderWhat: 'a MovieLens latest / 25M / 32M folder (data.path) with ratings.csv, and movies.csv for item features',
  ratingsFile: 'ratings.csv',
  layout: {
    what: 'MovieLens ratings.csv (header userId,movieId,rating,timestamp)',
    encoding: 'utf8',
    delimiter: ',',
    quotes: true,
    header: true,
    columns: { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' },
  },
  async features(folder, _users, items) {
    const out: SideFeatures = {};
    const itemFile = join(folder, 'movies.csv');
    if (isFile(itemFile)) {
      const f = new FeatureColumns(items.size, ITEM_SPEC);
      const layout = { encoding: 'utf8', delimiter: ',', quotes: true, header: true, fields: 3, names: 'movieId, title, genres' } as const;
      await readFeatureFile(itemFile, layout, items, (fields, row) => {
        const title = trimField(fields[1] as string);
        const genres = trimField(fields[2] as string);
        f.setText('title', row, title);
        f.setInt('year', row, yearOfTitle(title));
        f.setText('genres', row, genres === '(no genres listed)' ? '' : genres);
      });
      out.itemFeatures = f.columns;
    }
    return out;
  },
};
