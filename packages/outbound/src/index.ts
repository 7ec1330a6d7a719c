export {
  type AddressPolicy,
  createPublicOnlyLookup,
  isPublicAddress,
  isPublicUrl,
  NonPublicAddressError,
} from "./public-address";
