/** Counts tokens of a text the way the target model will (special tokens and prefixes included). */
export interface TokenCounter {
  readonly name: string;
  count(text: string): number;
  /** Token boundaries as character offsets (end offsets), for exact splits and overlaps. */
  encodeOffsets?(text: string): number[];
}
