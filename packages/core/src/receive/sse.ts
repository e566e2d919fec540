/**
 * An incremental Server-Sent Events parser (WHATWG HTML §9.2), pure: feed it chunks as they arrive,
 * get back the events they complete. Handles CR, LF and CRLF line ends (also split across chunks),
 * multi-line data, comments, a leading BOM, fields without a value and chunks split anywhere
 * (even inside a UTF-8 sequence).
 */

export interface SseEvent {
  /** The `event:` field, "message" when absent. */
  event: string;
  /** `data:` lines joined with "\n". */
  data: string;
  id?: string;
  retry?: number;
}

export interface SseParser {
  /** Feeds one chunk; returns the events it completed, in order. */
  push(chunk: Uint8Array | string): SseEvent[];
  /**
   * Ends the stream. The spec discards an event that has no blank line after it; servers that
   * close right after their last `data:` line are common enough that we dispatch it instead.
   */
  end(): SseEvent[];
}

export function createSseParser(): SseParser {
  const decoder = new TextDecoder('utf-8');
  let started = false;
  let afterCR = false;
  let lineParts: string[] = [];
  let dataLines: string[] = [];
  let eventName = '';
  let lastId: string | undefined;
  let retry: number | undefined;
  let hasData = false;

  const dispatch = (out: SseEvent[]) => {
    if (hasData) {
      const event: SseEvent = { event: eventName || 'message', data: dataLines.join('\n') };
      if (lastId !== undefined) event.id = lastId;
      if (retry !== undefined) event.retry = retry;
      out.push(event);
    }
    dataLines = [];
    hasData = false;
    eventName = '';
    retry = undefined;
  };

  const processLine = (line: string, out: SseEvent[]) => {
    if (line === '') {
      dispatch(out);
      return;
    }
    if (line.charCodeAt(0) === 58 /* : */) return; // comment
    const colon = line.indexOf(':');
    let field: string;
    let value: string;
    if (colon === -1) {
      field = line;
      value = '';
    } else {
      field = line.slice(0, colon);
      value = line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
    }
    switch (field) {
      case 'data':
        dataLines.push(value);
        hasData = true;
        break;
      case 'event':
        eventName = value;
        break;
      case 'id':
        if (!value.includes('\u0000')) lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) retry = Number(value);
        break;
      default:
        break; // unknown fields are ignored
    }
  };

  const feedText = (input: string, out: SseEvent[]) => {
    let text = input;
    if (!started) {
      if (text.length === 0) return;
      started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 /* \n */) {
        if (afterCR && i === start && lineParts.length === 0) {
          // The LF of a CRLF whose CR ended the previous line (possibly in the previous chunk).
          afterCR = false;
          start = i + 1;
          continue;
        }
        afterCR = false;
        lineParts.push(text.slice(start, i));
        processLine(lineParts.length === 1 ? (lineParts[0] as string) : lineParts.join(''), out);
        lineParts = [];
        start = i + 1;
      } else if (c === 13 /* \r */) {
        lineParts.push(text.slice(start, i));
        processLine(lineParts.length === 1 ? (lineParts[0] as string) : lineParts.join(''), out);
        lineParts = [];
        afterCR = true;
        start = i + 1;
      } else if (afterCR) {
        afterCR = false;
      }
    }
    if (start < text.length) lineParts.push(text.slice(start));
  };

  return {
    push(chunk) {
      const out: SseEvent[] = [];
      feedText(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }), out);
      return out;
    },
    end() {
      const out: SseEvent[] = [];
      feedText(decoder.decode(), out);
      if (lineParts.length > 0) {
        processLine(lineParts.join(''), out);
        lineParts = [];
      }
      dispatch(out);
      return out;
    },
  };
}

/** Parses a whole stream of chunks into events. */
export async function* parseSseStream(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<SseEvent> {
  const parser = createSseParser();
  for await (const chunk of chunks) {
    yield* parser.push(chunk);
  }
  yield* parser.end();
}
