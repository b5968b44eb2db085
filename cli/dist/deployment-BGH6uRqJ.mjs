export { n as openDeployment, r as secretsOf } from "./deployment-BaUjPyXq.mjs";
