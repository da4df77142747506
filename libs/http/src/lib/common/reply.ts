import { etag } from './if-match';

/**
 * A handler's answer with the headers that describe it (ETag, Location, content type), so that
 * controllers state them without touching the response; ReplyInterceptor writes them.
 */
export class Reply<T> {
  private constructor(
    readonly body: T,
    readonly headers: Readonly<Record<string, string>>,
  ) {}

  /** The resource with its version as the ETag. */
  static versioned<T extends { readonly version: number }>(resource: T): Reply<T> {
    return new Reply(resource, { ETag: etag(resource.version) });
  }

  /** A resource a POST created: its ETag, and its address as the Location. */
  static created<T extends { readonly version: number }>(resource: T, location: string): Reply<T> {
    return new Reply(resource, { Location: location, ETag: etag(resource.version) });
  }

  /** Any other answer with the headers it needs, e.g. a Markdown document or an event stream. */
  static of<T>(body: T, headers: Readonly<Record<string, string>>): Reply<T> {
    return new Reply(body, headers);
  }
}
