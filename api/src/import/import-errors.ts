/** Refusals of an import, answered as 4xx with a reason a user can act on. */
import { DomainError } from '../errors.ts';

/** A file the readers cannot take, or a commit the checks block: 422 with the reason as the code. */
export class ImportRefusedError extends DomainError {
  override name = 'ImportRefusedError';
  readonly status = 422;
  constructor(code: string, message: string) {
    super(code, message);
  }
}
