import { describe, expect, it } from 'vitest';
import { DatasetError, SsrlError } from './errors.js';

describe('SsrlError', () => {
  it('carries a code, the subclass name and a cause', () => {
    class WidgetError extends SsrlError<'bent'> {}
    const cause = new Error('root');
    const err = new WidgetError('bent', 'the widget is bent', { cause });
    expect(err).toBeInstanceOf(Error);
    expect(err).toBeInstanceOf(SsrlError);
    expect(err.name).toBe('WidgetError');
    expect(err.code).toBe('bent');
    expect(err.message).toBe('the widget is bent');
    expect(err.cause).toBe(cause);
  });

  it('DatasetError prefixes the file it names', () => {
    const err = new DatasetError('image-missing', 'image file is missing', { path: 'images/a.png' });
    expect(err).toBeInstanceOf(SsrlError);
    expect(err.name).toBe('DatasetError');
    expect(err.message).toBe('images/a.png: image file is missing');
    expect(err.path).toBe('images/a.png');
    expect(new DatasetError('aborted', 'stopped').path).toBeUndefined();
  });
});
