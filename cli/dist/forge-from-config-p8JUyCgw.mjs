export { t as forgeFromConfig } from "./forge-from-config-AwWkuZY_.mjs";
