import type { CatalogTools } from '../../emulators/weblate-emulator.ts';
import { checkCatalog } from '../../actions/translations/gettext-tools.ts';
import { sameCatalogContent } from '../../actions/translations/normalise.ts';

/** The Weblate emulator reads PO files with the same gettext tools the translations action uses. */
export const gettextCatalogs: CatalogTools = {
  statistics: (file) => checkCatalog(file, 'emulated translation'),
  sameContent: sameCatalogContent,
};
