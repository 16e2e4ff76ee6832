/** A count with its noun in the right number: "1 image", "60 images", "1,024 boxes". */
export function plural(count: number, one: string, many: string = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}
