/** How many API requests an endpoint got, and how many of them were answered 304 Not Modified. */
export interface EndpointCount {
  total: number;
  notModified: number;
}

/**
 * The API requests an emulator answered (git over HTTP and the runner protocol left out), so that tests can
 * hold a client to a request budget. Endpoints are `METHOD /path` without the query: every page of a list
 * counts for its endpoint.
 */
export interface RequestCounts extends EndpointCount {
  endpoints: Record<string, EndpointCount>;
}

export class RequestCounter {
  #counts = new Map<string, EndpointCount>();

  /** A request arrived; `notModified()` is called once its answer turns out to be a 304. */
  count(method: string, pathname: string): { notModified(): void } {
    const key = `${method} ${pathname}`;
    let count = this.#counts.get(key);
    if (!count) this.#counts.set(key, (count = { total: 0, notModified: 0 }));
    count.total++;
    const counted = count;
    return {
      notModified: () => {
        counted.notModified++;
      },
    };
  }

  snapshot(): RequestCounts {
    const endpoints: Record<string, EndpointCount> = {};
    let total = 0;
    let notModified = 0;
    for (const [key, count] of [...this.#counts].sort(([a], [b]) => a.localeCompare(b))) {
      endpoints[key] = { ...count };
      total += count.total;
      notModified += count.notModified;
    }
    return { total, notModified, endpoints };
  }

  reset(): void {
    this.#counts = new Map();
  }
}
