/**
 * `mcc_risk_group`, an ordinal: 0 everyday spending, 1 other, 2 goods that resell easily or travel,
 * 3 cash-out (money transfer, quasi-cash, crypto, gift cards, gambling). ATM cash
 * has its own channel feature and stays in 1. The groups follow the categories card fraud
 * monetises through; the model learns the weights.
 */
export function mccRiskGroup(mcc: number): number {
  switch (mcc) {
    case 4111: // commuter transport
    case 4121: // taxis
    case 5411: // grocery
    case 5499: // convenience food
    case 5541: // fuel
    case 5542: // automated fuel
    case 5812: // restaurants
    case 5814: // fast food
    case 5912: // pharmacies
      return 0;
    case 4511: // airlines
    case 4722: // travel agencies
    case 5045: // computers
    case 5311: // department stores
    case 5651: // clothing
    case 5691: // clothing
    case 5732: // electronics
    case 5734: // software
    case 5944: // jewellery
    case 5999: // miscellaneous retail
    case 7011: // hotels
      return 2;
    case 4829: // money transfer
    case 5816: // digital games
    case 5933: // pawn shops
    case 5947: // gift cards
    case 5967: // direct marketing, inbound teleservices
    case 6010: // manual cash disbursement
    case 6012: // financial institutions
    case 6051: // quasi-cash, crypto
    case 6540: // stored value, gift cards
    case 7995: // gambling
      return 3;
    default:
      return 1;
  }
}
