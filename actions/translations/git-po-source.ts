import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { GitRepository, type GitCredentials } from './git-repository.ts';
import { sameCatalogContent } from './normalise.ts';
import { LANGUAGE_CODE, type SourceCatalog, type TranslationSource } from './translation-source.ts';

export interface GitPoSourceOptions {
  url: string;
  branch: string;
  /** Folder of the .po files inside that repository, e.g. `po`; `.` for its root. */
  directory: string;
  /** The template's file name there, e.g. `cockpit.pot`. */
  templateName: string;
  credentials: GitCredentials | null;
  /** An empty directory to clone into. */
  workDir: string;
}

/** A git repository of `<language>.po` files beside the template, e.g. a translations-only repository. */
export class GitPoSource implements TranslationSource {
  readonly description: string;
  readonly #options: GitPoSourceOptions;
  #clone: Promise<GitRepository> | null = null;

  constructor(options: GitPoSourceOptions) {
    this.#options = options;
    this.description = `${options.url} (${options.branch}, ${options.directory})`;
  }

  async fetchCatalogs(): Promise<SourceCatalog[]> {
    const repository = await this.#repository();
    const dir = path.join(repository.dir, this.#options.directory);
    const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT')
        throw new Error(
          `${this.#options.url} (${this.#options.branch}) has no folder ${this.#options.directory}`,
        );
      throw error;
    });
    const names = entries.filter((name) => name.endsWith('.po')).sort();
    const catalogs: SourceCatalog[] = [];
    for (const name of names) {
      const language = name.slice(0, -'.po'.length);
      const relative = path.posix.join(this.#options.directory, name);
      if (!LANGUAGE_CODE.test(language))
        throw new Error(`${this.#options.url} ${relative}: "${language}" is not a language code`);
      catalogs.push({
        language,
        content: await readFile(path.join(dir, name), 'utf8'),
        origin: `${this.#options.url} ${relative}`,
      });
    }
    return catalogs;
  }

  async publishTemplate(template: string): Promise<boolean> {
    const repository = await this.#repository();
    const relative = path.posix.join(this.#options.directory, this.#options.templateName);
    const current = await repository.fileAtHead(relative);
    if (current !== null && sameCatalogContent(current, template)) return false;
    await writeFile(path.join(repository.dir, relative), template);
    await repository.git('add', '--', relative);
    await repository.commit(`Update translation template ${this.#options.templateName}`);
    await repository.push(this.#options.branch);
    return true;
  }

  #repository(): Promise<GitRepository> {
    this.#clone ??= GitRepository.clone(
      this.#options.url,
      this.#options.workDir,
      this.#options.branch,
      this.#options.credentials,
    );
    return this.#clone;
  }
}
