/** Who a query is for. Every user-owned read and write goes through a store bound to one scope. */
export interface UserScope {
  readonly tenantId: string;
  readonly userId: string;
}
