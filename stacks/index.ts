import { createStack } from "./program.js";

const outputs = createStack();

export const apiUrl = outputs.apiUrl;
export const anonKey = outputs.anonKey;
export const serviceRoleKey = outputs.serviceRoleKey;
export const dashboardPassword = outputs.dashboardPassword;
export const grafanaAdminPassword = outputs.grafanaAdminPassword;
export const platform = outputs.platform;
