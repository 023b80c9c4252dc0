import { configure } from '@testing-library/react'

// The jsdom tests run beside the node and browser projects on two cores: give a slow run time to
// finish rather than failing it (a wrong result still fails, only later).
configure({ asyncUtilTimeout: 15_000 })
