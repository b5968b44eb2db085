export { n as cancelJob, r as cancelReason, a as listJobs } from "./job-control-CBrt-MKN.mjs";
