// The order a pipeline was last shown in (filters and sorting applied), so the review page can step through it.

export interface PipelineOrder {
  positionId: string;
  /** The pipeline's URL with its filters, for "back to the pipeline". */
  url: string;
  items: { id: string; name: string }[];
}

const key = (positionId: string) => `pipeline-order:${positionId}`;

export function savePipelineOrder(order: PipelineOrder): void {
  try {
    sessionStorage.setItem(key(order.positionId), JSON.stringify(order));
  } catch {
    // Storage full or disabled: the review page falls back to the newest-first order.
  }
}

export function loadPipelineOrder(positionId: string): PipelineOrder | null {
  try {
    const raw = sessionStorage.getItem(key(positionId));
    return raw ? (JSON.parse(raw) as PipelineOrder) : null;
  } catch {
    return null;
  }
}
