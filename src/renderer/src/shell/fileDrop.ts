import { useEffect, useLayoutEffect, useRef, useState } from 'react'

/** A file dropped on the window; a new object per drop, so the same file dropped twice is read twice. */
export interface DroppedFile {
  file: File
}

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes('Files')
}

/**
 * Files dropped anywhere on the window, whatever screen is open. Without `enabled` (no project
 * yet) a drop is still swallowed: left alone, the browser would navigate away to the file.
 * Returns whether a file is being dragged over the window, for the overlay.
 */
export function useFileDrop(enabled: boolean, onDrop: (file: File) => void): boolean {
  const [dragging, setDragging] = useState(false)
  const depth = useRef(0)
  const onDropRef = useRef(onDrop)
  useLayoutEffect(() => {
    onDropRef.current = onDrop
  })

  useEffect(() => {
    const onEnter = (e: DragEvent) => {
      if (!hasFiles(e)) return
      depth.current++
      if (enabled) setDragging(true)
    }
    const onOver = (e: DragEvent) => {
      if (!hasFiles(e)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = enabled ? 'copy' : 'none'
    }
    const onLeave = (e: DragEvent) => {
      if (!hasFiles(e)) return
      depth.current = Math.max(0, depth.current - 1)
      if (depth.current === 0) setDragging(false)
    }
    const onDropEvent = (e: DragEvent) => {
      depth.current = 0
      setDragging(false)
      const file = e.dataTransfer?.files?.[0]
      if (!file) return
      e.preventDefault()
      if (enabled) onDropRef.current(file)
    }
    window.addEventListener('dragenter', onEnter)
    window.addEventListener('dragover', onOver)
    window.addEventListener('dragleave', onLeave)
    window.addEventListener('drop', onDropEvent)
    return () => {
      window.removeEventListener('dragenter', onEnter)
      window.removeEventListener('dragover', onOver)
      window.removeEventListener('dragleave', onLeave)
      window.removeEventListener('drop', onDropEvent)
    }
  }, [enabled])

  return dragging && enabled
}
