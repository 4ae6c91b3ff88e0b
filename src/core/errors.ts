/** A bad-input error: the CLI prints its message on one line and exits with status 2. */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}
