export { n as openDeployment, r as secretsOf } from "./deployment-Lv0JdVbB.mjs";
