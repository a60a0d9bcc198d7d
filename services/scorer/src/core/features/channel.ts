import type { Channel } from '../../../../../schemas/src/types.ts';

/** Position of a channel in `CHANNELS` (and in the one-hot channel features, which follow that order). */
export function channelIndex(channel: Channel): number {
  switch (channel) {
    case 'CARD_PRESENT':
      return 0;
    case 'CONTACTLESS':
      return 1;
    case 'ECOMMERCE':
      return 2;
    case 'ATM':
      return 3;
    case 'MOTO':
      return 4;
  }
}

/** The channel index of a transaction whose feed does not tell its channel: neither physical nor not present. */
export const NO_CHANNEL = -1;

/** The card was at the terminal, so the terminal's position is the card's: travel features use only these. */
export function isPhysical(index: number): boolean {
  return index === 0 || index === 1 || index === 3;
}

export function isCardNotPresent(index: number): boolean {
  return index === 2 || index === 4;
}
