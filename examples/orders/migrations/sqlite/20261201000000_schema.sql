-- The orders schema on SQLite. `INTEGER PRIMARY KEY` is SQLite's rowid: ids
-- are assigned on insert. Every query in src/lib.rs runs unchanged on this
-- schema and on ../postgres.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    token TEXT UNIQUE,
    balance DOUBLE PRECISION NOT NULL DEFAULT 0
);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    product_id BIGINT NOT NULL,
    quantity BIGINT NOT NULL,
    source TEXT
);

CREATE INDEX orders_by_user ON orders (user_id, id);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    subject TEXT NOT NULL,
    sent BOOLEAN NOT NULL DEFAULT FALSE
);

-- The two users the example starts with: alice (id 1) and bob (id 2).
INSERT INTO users (name, email, token, balance) VALUES ('alice', 'alice@example.com', 'alice-token', 100.0);
INSERT INTO users (name, email, token, balance) VALUES ('bob', 'bob@example.com', 'bob-token', 5.0);
