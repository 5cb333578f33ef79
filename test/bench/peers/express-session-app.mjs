// A peer users pick instead: Express with express-session and express-mysql-session, the user
// loaded from MySQL on every authenticated request. Started by test/bench/bench.mjs.
import { hash, verify } from '@node-rs/argon2';
import express from 'express';
import session from 'express-session';
import MySQLStoreFactory from 'express-mysql-session';
import mysql from 'mysql2/promise';

const url = new URL(process.env.DATABASE_URL);
const pool = mysql.createPool({
  host: url.hostname,
  port: Number(url.port || 3306),
  user: decodeURIComponent(url.username),
  password: decodeURIComponent(url.password),
  database: url.pathname.slice(1),
  connectionLimit: 4,
});
await pool.query('CREATE TABLE IF NOT EXISTS peer_users (id INT AUTO_INCREMENT PRIMARY KEY, email VARCHAR(254) NOT NULL UNIQUE, password_hash VARCHAR(255) NOT NULL, roles TEXT NOT NULL)');

const MySQLStore = MySQLStoreFactory(session);
const app = express();
app.disable('x-powered-by');
app.use(express.json());
app.use(
  session({
    secret: process.env.SESSION_SECRET ?? 'peer-benchmark-secret-not-for-production',
    store: new MySQLStore({ createDatabaseTable: true }, pool),
    resave: false,
    saveUninitialized: false,
    cookie: { httpOnly: true, sameSite: 'lax' },
  }),
);

app.get('/', (_req, res) => res.json({ service: 'express-session peer' }));

app.post('/register', async (req, res) => {
  await pool.execute('INSERT INTO peer_users (email, password_hash, roles) VALUES (?, ?, ?)', [req.body.email, await hash(req.body.password), '[]']);
  res.status(201).json({ ok: true });
});

app.post('/login', async (req, res) => {
  const [rows] = await pool.execute('SELECT id, password_hash FROM peer_users WHERE email = ?', [req.body.email]);
  if (!rows[0] || !(await verify(rows[0].password_hash, req.body.password))) return res.status(401).json({ error: 'invalid' });
  req.session.regenerate((error) => {
    if (error) return res.status(500).end();
    req.session.userId = rows[0].id;
    res.json({ ok: true });
  });
});

app.get('/me', async (req, res) => {
  if (!req.session.userId) return res.status(401).json({ error: 'unauthenticated' });
  const [rows] = await pool.execute('SELECT id, email, roles FROM peer_users WHERE id = ?', [req.session.userId]);
  if (!rows[0]) return res.status(401).json({ error: 'unauthenticated' });
  res.json({ user: { id: rows[0].id, email: rows[0].email, roles: JSON.parse(rows[0].roles) } });
});

const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
