-- Reading an organization's events in time order. Built CONCURRENTLY so appends go on while it builds, which
-- cannot happen inside a transaction.
-- migrate:no-transaction

-- migrate:up
CREATE INDEX CONCURRENTLY IF NOT EXISTS domain_events_organization_occurred_idx
  ON public.domain_events (organization_id, occurred_at);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS public.domain_events_organization_occurred_idx;
