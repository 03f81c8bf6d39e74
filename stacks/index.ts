import { createStack } from "./program.js";

const outputs = createStack();

export const apiUrl = outputs.apiUrl;
export const anonKey = outputs.anonKey;
export const serviceRoleKey = outputs.serviceRoleKey;
export const dashboardPassword = outputs.dashboardPassword;
export const grafanaAdminPassword = outputs.grafanaAdminPassword;
export const pgbackrestCipherPass = outputs.pgbackrestCipherPass;
export const backupEncryptionKey = outputs.backupEncryptionKey;
export const platform = outputs.platform;
export const loadTestGate = outputs.loadTestGate;
