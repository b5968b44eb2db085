export { t as LOCAL_VM_IMAGE, n as createVmExecutor, r as ensureLocalVmImage, i as ensureRecipeImage, a as localImagesDir } from "./vm-setup-CaniE7qj.mjs";
