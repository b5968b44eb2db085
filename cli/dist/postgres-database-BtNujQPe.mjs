export { t as PostgresDatabase, n as UnreachableError, r as describeUrl, i as retryWithBackoff, a as sleep, o as urlPassword } from "./postgres-database-C-oBTyWw.mjs";
