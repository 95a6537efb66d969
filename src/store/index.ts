/** The embedded SQLite store. */
export * from './db.js';
