/** One page of a list, and how many items the whole list holds. */
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  size: number;
}
