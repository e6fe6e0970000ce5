/** Whether a database error (TypeORM wraps the driver's in `driverError`) carries this MySQL code. */
export function hasMysqlCode(error: unknown, code: 'ER_DUP_ENTRY' | 'ER_LOCK_DEADLOCK'): boolean {
  const e = error as { code?: string; driverError?: { code?: string } } | undefined;
  return e?.code === code || e?.driverError?.code === code;
}
