import { Injectable, type ArgumentMetadata, type PipeTransform } from '@nestjs/common';
import { Problem } from '../problem/problem';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids must be UUIDs; anything else is a 400 naming the parameter, not a 404 or 500. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!UUID.test(value)) throw Problem.validation([{ field: metadata.data ?? 'id', message: 'must be a UUID' }]);
    return value.toLowerCase();
  }
}
