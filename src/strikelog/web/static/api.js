// The page's only way to the server: GET/JSON against /api/v1, errors turned into readable messages.

export const API = "/api/v1";

/** Query parameters from an object, leaving out empty values. */
export function params(values) {
  const out = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== null && value !== undefined && value !== "") out.set(key, value);
  }
  return out;
}

/** GET a JSON document from the API; a non-2xx answer throws an Error carrying the server's message. */
export async function getJSON(path, values = {}) {
  const query = params(values).toString();
  const response = await fetch(`${API}${path}${query ? `?${query}` : ""}`, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
  return body;
}
