import { authRest } from "./auth-rest.js";
import { backups } from "./backups.js";
import { gateway } from "./gateway.js";
import { loadtests } from "./loadtests.js";
import { logs } from "./logs.js";
import type { Dashboard } from "./model.js";
import { overview } from "./overview.js";
import { postgres } from "./postgres.js";
import { realtime } from "./realtime.js";
import { redis } from "./redis.js";

/** Every provisioned dashboard, in menu order. */
export const DASHBOARDS: readonly Dashboard[] = [overview, gateway, authRest, realtime, postgres, redis, backups, loadtests, logs];

/** The committed file name of a dashboard under monitoring/grafana/dashboards/. */
export const dashboardFileName = (dashboard: Dashboard): string => `${dashboard.uid}.json`;

/** The committed JSON of a dashboard: two-space indent, trailing newline. */
export const renderDashboard = (dashboard: Dashboard): string => `${JSON.stringify(dashboard, null, 2)}\n`;
