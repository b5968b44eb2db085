export { n as cancelJob, i as listJobs } from "./job-control-70_PEqFM.mjs";
