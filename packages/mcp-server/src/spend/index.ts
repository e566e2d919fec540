export {
  type BudgetWindow,
  describeWindow,
  loadPrices,
  parseSpendConfig,
  SPEND_VARIABLES,
  type SpendConfig,
  windowStart,
} from './config.js';
export {
  type CapStatus,
  createSpendGuard,
  type Refusal,
  type Reservation,
  type ReserveOutcome,
  type SettleInput,
  type SpendGuard,
  type SpendGuardOptions,
} from './guard.js';
export { appendLedgerLine, LEDGER_FILE, LedgerReader, type LedgerLine, ledgerPath, LOCK_FILE } from './ledger.js';
export { type LockOptions, withFileLock } from './lock.js';
export { RESERVATIONS_DIR } from './reservations.js';
export { type GuardedOutcome, runGuarded } from './guarded.js';
