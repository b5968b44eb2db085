export { n as openDeployment, r as secretsOf } from "./deployment-C2Bo1NzE.mjs";
