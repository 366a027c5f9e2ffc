/** Account names nats-server fixes. */

/** The global account every client without an account binding belongs to. */
export const GLOBAL_ACCOUNT = '$G';
/** Default name of the system account (`system_account`). */
export const SYSTEM_ACCOUNT = '$SYS';
