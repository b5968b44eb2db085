export { t as VmMachinery, n as createOverlay, r as resumeRestoredVm, i as shellQuote } from "./vm-machinery-BgE6y-mn.mjs";
