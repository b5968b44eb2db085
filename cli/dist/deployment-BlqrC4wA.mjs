export { n as openDeployment, r as secretsOf } from "./deployment-Dp4r37gx.mjs";
