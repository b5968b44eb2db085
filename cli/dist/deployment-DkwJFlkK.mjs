export { n as openDeployment, r as secretsOf } from "./deployment-B-gBfB8C.mjs";
