export async function dispatchCli(_args: string[]): Promise<number> {
  return 2
}
