-- The escrow schema. Invariants live here as constraints, not only in code:
-- one accepted offer per request, one live payment per request, one escrow
-- credit and one release per payment, one deposit row per chain log.
CREATE EXTENSION IF NOT EXISTS pgcrypto;

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL UNIQUE,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('buyer', 'seller')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE purchase_requests (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  buyer_id uuid NOT NULL REFERENCES users(id),
  title text NOT NULL,
  budget numeric(78,0) NOT NULL CHECK (budget >= 0),
  status text NOT NULL DEFAULT 'open'
    CHECK (status IN ('open','offer_accepted','payment','paid','delivered','completed','cancelled')),
  selected_offer_id uuid,
  delivery_note text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX purchase_requests_buyer ON purchase_requests (buyer_id, created_at DESC);

CREATE TABLE request_invites (
  request_id uuid NOT NULL REFERENCES purchase_requests(id),
  seller_id uuid NOT NULL REFERENCES users(id),
  PRIMARY KEY (request_id, seller_id)
);
CREATE INDEX request_invites_seller ON request_invites (seller_id);

CREATE TABLE offers (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES purchase_requests(id),
  seller_id uuid NOT NULL REFERENCES users(id),
  price numeric(78,0) NOT NULL CHECK (price > 0),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','accepted','rejected')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (request_id, seller_id)
);
CREATE UNIQUE INDEX offers_one_accepted ON offers (request_id) WHERE status = 'accepted';

CREATE SEQUENCE payment_derivation_index;

CREATE TABLE payments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  request_id uuid NOT NULL REFERENCES purchase_requests(id),
  offer_id uuid NOT NULL REFERENCES offers(id),
  buyer_id uuid NOT NULL REFERENCES users(id),
  seller_id uuid NOT NULL REFERENCES users(id),
  chain_id integer NOT NULL,
  token_address text NOT NULL,
  derivation_index bigint NOT NULL UNIQUE,
  destination text NOT NULL UNIQUE,
  amount numeric(78,0) NOT NULL CHECK (amount > 0),
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','confirmed','expired')),
  baseline_block bigint NOT NULL,
  required_confirmations integer NOT NULL,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  confirmed_at timestamptz,
  evidence jsonb
);
CREATE UNIQUE INDEX payments_one_live_per_request ON payments (request_id) WHERE status IN ('pending','confirmed');
CREATE INDEX payments_pending ON payments (status) WHERE status = 'pending';

-- Every token transfer the scanner (or a fixture) saw arriving at a payment destination.
CREATE TABLE deposits (
  id bigserial PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments(id),
  chain_id integer NOT NULL,
  token_address text NOT NULL,
  destination text NOT NULL,
  tx_hash text NOT NULL,
  log_index integer NOT NULL,
  block_number bigint NOT NULL,
  from_address text NOT NULL,
  amount numeric(78,0) NOT NULL,
  source text NOT NULL CHECK (source IN ('chain','fixture')),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (chain_id, tx_hash, log_index)
);
CREATE INDEX deposits_payment ON deposits (payment_id);

-- Double-entry ledger: a journal per business event, postings that sum to zero.
CREATE TABLE ledger_journals (
  id bigserial PRIMARY KEY,
  payment_id uuid NOT NULL REFERENCES payments(id),
  kind text NOT NULL CHECK (kind IN ('escrow_credit','escrow_release')),
  idempotency_key text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_journals_payment ON ledger_journals (payment_id);

CREATE TABLE ledger_postings (
  id bigserial PRIMARY KEY,
  journal_id bigint NOT NULL REFERENCES ledger_journals(id),
  account text NOT NULL,
  amount numeric(78,0) NOT NULL
);
CREATE INDEX ledger_postings_journal ON ledger_postings (journal_id);

CREATE TABLE notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  recipient_id uuid NOT NULL REFERENCES users(id),
  type text NOT NULL,
  request_id uuid NOT NULL REFERENCES purchase_requests(id),
  offer_id uuid,
  payment_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  read_at timestamptz,
  -- outbox: set when a backend claimed the row and emitted it over Socket.IO
  emitted_at timestamptz
);
CREATE INDEX notifications_recipient ON notifications (recipient_id, created_at);
CREATE INDEX notifications_unemitted ON notifications (created_at) WHERE emitted_at IS NULL;

-- The outbox signal: every insert wakes the backends' dispatchers.
CREATE FUNCTION notify_notification_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('notification_created', NEW.id::text);
  RETURN NEW;
END $$;
CREATE TRIGGER notifications_created AFTER INSERT ON notifications
  FOR EACH ROW EXECUTE FUNCTION notify_notification_created();
