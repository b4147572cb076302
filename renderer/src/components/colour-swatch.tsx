/** The environment's colour as a small square, the same colour as its banner. */
export function ColourSwatch({ colour }: { colour: string }) {
  return <span className="swatch" style={{ backgroundColor: colour }} aria-hidden="true" />;
}
